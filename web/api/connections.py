"""/api/v1 companies, google-accounts and sources: what an exporter can read and write with."""

from __future__ import annotations

from flask import g

from exporters.catalog import SOURCES, UnknownSource, get_source
from store.listing import workspace_companies, workspace_google_accounts
from store.models import Company, GoogleAccount, utcnow
from web.api import TAGS, api
from web.api.problems import ApiError
from web.api.represent import account_out, companies_out, company_out, source_out
from web.api.schemas import (
    CompanyList,
    CompanyOut,
    CompanyPath,
    GoogleAccountList,
    GoogleAccountOut,
    GoogleAccountPath,
    SourceList,
    SourceOut,
    SourcePath,
)
from web.api.views import Answer, found, ok
from web.database import get_session

COMPANIES, GOOGLE, SOURCES_TAG = [TAGS["companies"]], [TAGS["google accounts"]], [TAGS["sources"]]


@api.get("/companies", tags=COMPANIES, summary="List companies", responses={200: CompanyList})
def list_companies() -> Answer:
    session, workspace_id = get_session(), g.workspace.id
    companies = workspace_companies(session, workspace_id)
    return ok(CompanyList(data=companies_out(session, workspace_id, companies, utcnow())))


@api.get("/companies/<int:company_id>", tags=COMPANIES, summary="Get a company", responses={200: CompanyOut})
def get_company(path: CompanyPath) -> Answer:
    return ok(company_out(get_session(), found(Company, path.company_id), utcnow()))


@api.get("/google-accounts", tags=GOOGLE, summary="List Google accounts", responses={200: GoogleAccountList})
def list_google_accounts() -> Answer:
    rows = [account_out(a) for a in workspace_google_accounts(get_session(), g.workspace.id)]
    return ok(GoogleAccountList(data=rows))


@api.get(
    "/google-accounts/<int:account_id>",
    tags=GOOGLE,
    summary="Get a Google account",
    responses={200: GoogleAccountOut},
)
def get_google_account(path: GoogleAccountPath) -> Answer:
    return ok(account_out(found(GoogleAccount, path.account_id)))


@api.get("/sources", tags=SOURCES_TAG, summary="The source catalog", responses={200: SourceList})
def list_sources() -> Answer:
    return ok(SourceList(data=[source_out(s) for s in SOURCES.values()]))


@api.get("/sources/<source_key>", tags=SOURCES_TAG, summary="One source", responses={200: SourceOut})
def get_one_source(path: SourcePath) -> Answer:
    try:
        return ok(source_out(get_source(path.source_key)))
    except UnknownSource as exc:
        raise ApiError(404, str(exc)) from None
