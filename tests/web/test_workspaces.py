"""Workspaces with members: invite by link (once, hashed, owners only), joining, switching, demo outbox."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from store.db import get_engine
from store.models import Company, Invite, Membership, Role
from tests.web.browser import PASSWORD, Browser, form_with_button


def invite_link(owner: Browser) -> str:
    owner.get("/workspace/members")
    page = owner.submit(owner.form("Create an invite link"))
    assert page.has("Invite link created")
    [link] = re.findall(r"http://localhost/workspace/join/[\w-]+", page.html)
    return link


def add_company(owner: Browser, name: str) -> None:
    """A company row in the owner's current workspace (the OAuth flow is tested elsewhere)."""
    with Session(get_engine()) as session:
        user_memberships = session.exec(select(Membership).where(Membership.role == Role.OWNER)).all()
        session.add(Company(workspace_id=user_memberships[0].workspace_id, realm_id="123", name=name))
        session.commit()


def test_an_invite_link_lets_a_colleague_join_once(user: Browser, other: Browser) -> None:
    add_company(user, "Shared Books Co")
    link = invite_link(user)
    with Session(get_engine()) as session:
        [invite] = session.exec(select(Invite)).all()
    assert link.rsplit("/", 1)[1] not in invite.token_hash  # only the hash is stored

    page = other.get(link)
    assert page.has("Join Ada's workspace") and page.has(other.email)
    page = other.submit(other.form("Join the workspace"))
    assert page.has("You joined Ada's workspace")
    assert other.get("/companies/").has("Shared Books Co")
    members = other.get("/workspace/members")
    assert members.has(user.email) and members.has(other.email) and members.has("member")
    assert members.has("Only an owner of the workspace can invite people")

    assert other.get(link).has("This invite link has expired or was already used")
    assert user.get("/workspace/members").has("0 unused invite links")


def test_a_member_cannot_create_invites(user: Browser, other: Browser) -> None:
    other.get(invite_link(user))
    other.submit(other.form("Join the workspace"))
    response = other.client.post("/workspace/invites", data={"csrf_token": other.csrf_token()})
    assert response.status_code == 302
    assert other.get("/workspace/members").has("Only an owner of the workspace can do that")
    with Session(get_engine()) as session:
        assert len(session.exec(select(Invite)).all()) == 1


def test_an_anonymous_visitor_signs_up_then_joins(user: Browser, app) -> None:
    link = invite_link(user)
    newcomer = Browser(app.test_client())
    page = newcomer.get(link)
    assert page.has("Log in or sign up to accept the invitation")
    sign_up = [href for label, href in page.links if label == "Sign up"][-1]  # the page's, not the header's
    newcomer.fill(sign_up, "Sign up", name="Cleo", email="cleo@example.com", password=PASSWORD)
    assert newcomer.page.has("Join Ada's workspace")
    page = newcomer.submit(newcomer.form("Join the workspace"))
    assert page.has("You joined Ada's workspace")
    switch = form_with_button(newcomer.get("/"), "Switch workspace")
    assert "workspace_id" in switch.fields  # Cleo now has two workspaces: her own and Ada's


def test_in_demo_mode_the_outbox_page_shows_the_reset_email_and_its_link_works(demo_client) -> None:
    person = Browser(demo_client)
    person.sign_up("Dee", "dee@example.com")
    person.log_out()
    person.fill("/password/forgot", "Send the reset link", email="dee@example.com")

    page = person.get("/outbox")
    assert person.status == 200
    assert page.has("Reset your Sheetbooks password") and page.has("To dee@example.com")
    link = page.link("/password/reset/")
    page = person.fill(link, "Change password", password="another long secret", confirm="another long secret")
    assert page.has("Your password was changed")
    assert person.log_in("dee@example.com", "another long secret").has("You are logged in")
