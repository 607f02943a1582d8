"""Members, invites by link (only the token's hash is stored), switching the current workspace."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask import session as cookie
from sqlmodel import col, select
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from store.models import Invite, Membership, Role, User, Workspace, utcnow
from store.outbox import LINK, queue_email
from store.settings import get_settings
from web.current import login_required, owner_required, scoped
from web.database import get_session
from web.dates import has_passed
from web.forms import ConfirmForm, Form
from web.links import external_url
from web.tokens import hash_token, new_token
from web.viewer_time import zone_or_none
from web.workspaces import bp
from web.workspaces.forms import InviteForm
from workers.mail import send_soon

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
        invite_form=InviteForm(),
        zone_form=WorkspaceZoneForm(time_zone=g.workspace.time_zone),
        api_tokens=token_list(),
        token_form=ApiTokenForm(formdata=None),
        new_token=new_token,
        now=utcnow(),
    )


class WorkspaceZoneForm(Form):
    time_zone = StringField("Time zone", validators=[DataRequired(), Length(max=64)])


@bp.post("/time-zone")
@login_required
@owner_required
def set_time_zone() -> Response:
    """The zone new exporters' schedules follow unless the analyst names another (saved schedules keep
    theirs: changing this moves no exporter)."""
    form = WorkspaceZoneForm()
    name = (form.time_zone.data or "").strip()
    if not form.validate_on_submit():
        flash("Enter a time zone such as America/New_York.", "error")
    elif zone_or_none(name) is None:
        flash(f"Unknown time zone '{name}': use a name like America/New_York, Europe/London or UTC.", "error")
    else:
        g.workspace.time_zone = name
        get_session().add(g.workspace)
        get_session().commit()
        flash(f"New schedules follow {name}.", "success")
    return redirect(url_for("workspaces.members"))


@bp.post("/invites")
@login_required
@owner_required
def create_invite() -> Response:
    """A new invite link: emailed to the address given (sent by a job, workers.mail), else shown once to
    the owner who created it."""
    form = InviteForm()
    if not form.validate_on_submit():
        if form.email.errors:
            flash(f"Invite not created: {form.email.errors[0]}", "error")
            return redirect(url_for("workspaces.members"))
        abort(400)
    to = (form.email.data or "").strip()
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
    link = external_url("workspaces.accept", token=token)
    if to and get_settings().mail_delivered:
        email = queue_email(
            session,
            to,
            f"{g.user.email} invites you to {g.workspace.name} on Sheetbooks",
            f"{g.user.email} invites you to join the workspace {g.workspace.name} on Sheetbooks, where "
            f"your team exports QuickBooks data to Google Sheets.\n\nJoin it here (the link works once, "
            f"for 7 days; log in or sign up when asked):\n{LINK}\n\n"
            "If you don't know them, ignore this email.",
            link=link,
        )
        session.commit()
        send_soon([email])
        flash(f"Invite sent to {to}. The link in it works once, for 7 days.", "success")
        return redirect(url_for("workspaces.members"))
    session.commit()
    cookie["invite_link"] = link
    unsent = f"Mail is not configured, so nothing was sent to {to}. " if to else ""
    flash(f"{unsent}Invite link created. Send it to your colleague: it works once, for 7 days.", "success")
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
