"""Members, invites by link (only the token's hash is stored), switching the current workspace."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask import session as cookie
from sqlmodel import col, select
from werkzeug.wrappers import Response

from store.models import Invite, Membership, Role, User, Workspace, utcnow
from web.current import login_required, owner_required, scoped
from web.database import get_session
from web.dates import has_passed
from web.forms import ConfirmForm
from web.links import external_url
from web.tokens import hash_token, new_token
from web.workspaces import bp

INVITE_VALID_FOR = timedelta(days=7)


@bp.get("/members")
@login_required
def members(new_token: str | None = None) -> str:
    """The workspace page: members, invites, and the user's API tokens (`new_token`: just created)."""
    from web.workspaces.api_tokens import token_list
    from web.workspaces.forms import ApiTokenForm

    session = get_session()
    rows = session.exec(
        select(Membership, User)
        .join(User, col(User.id) == Membership.user_id)
        .where(Membership.workspace_id == g.workspace.id)
        .order_by(col(Membership.id))
    ).all()
    invites = session.exec(scoped(Invite).where(col(Invite.used_at).is_(None))).all()
    pending = [i for i in invites if not has_passed(i.expires_at)]
    return render_template(
        "workspaces/members.html",
        rows=rows,
        invites=pending,
        new_link=cookie.pop("invite_link", None),
        form=ConfirmForm(),
        api_tokens=token_list(),
        token_form=ApiTokenForm(formdata=None),
        new_token=new_token,
        now=utcnow(),
    )


@bp.post("/invites")
@login_required
@owner_required
def create_invite() -> Response:
    """A new invite link, shown once to the owner who created it."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    token = new_token()
    session = get_session()
    session.add(
        Invite(
            workspace_id=g.workspace.id,
            token_hash=hash_token(token),
            role=Role.MEMBER,
            created_by_id=g.user.id,
            expires_at=utcnow() + INVITE_VALID_FOR,
        )
    )
    session.commit()
    cookie["invite_link"] = external_url("workspaces.accept", token=token)
    flash("Invite link created. Send it to your colleague: it works once, for 7 days.", "success")
    return redirect(url_for("workspaces.members"))


def _usable_invite(token: str) -> Invite | None:
    invite = get_session().exec(select(Invite).where(Invite.token_hash == hash_token(token))).first()
    if invite is None or invite.used_at is not None or has_passed(invite.expires_at):
        return None
    return invite


@bp.route("/join/<token>", methods=["GET", "POST"])
def accept(token: str) -> str | Response:
    """Join a workspace by invite link, after logging in or signing up."""
    invite = _usable_invite(token)
    if invite is None:
        flash("This invite link has expired or was already used. Ask for a new one.", "error")
        return redirect(url_for("home.index"))
    if g.user is None:
        flash("Log in or sign up to accept the invitation.", "info")
        return redirect(url_for("auth.login", next=url_for("workspaces.accept", token=token)))
    session = get_session()
    workspace = session.get(Workspace, invite.workspace_id)
    if workspace is None:  # the invite's foreign key keeps its workspace while the invite exists
        abort(404)
    form = ConfirmForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("workspaces/accept.html", workspace=workspace, form=form)
    already = session.exec(
        select(Membership).where(
            Membership.user_id == g.user.id, Membership.workspace_id == invite.workspace_id
        )
    ).first()
    if already is None:
        session.add(Membership(user_id=g.user.id, workspace_id=invite.workspace_id, role=invite.role))
    invite.used_at = utcnow()
    session.add(invite)
    session.commit()
    cookie["workspace_id"] = invite.workspace_id
    flash(f"You joined {workspace.name}.", "success")
    return redirect(url_for("home.index"))


@bp.post("/switch")
@login_required
def switch() -> Response:
    """Make another of the user's workspaces the current one."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    wanted = request.form.get("workspace_id", type=int)
    for _membership, workspace in g.workspaces:
        if workspace.id == wanted:
            cookie["workspace_id"] = workspace.id
            flash(f"You are now working in {workspace.name}.", "success")
            return redirect(url_for("home.index"))
    abort(404)
