"""A Flask test client used like a browser: read pages, fill forms by their labels, follow redirects."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from flask.testing import FlaskClient

from tests.pages import Form, Page, parse

PASSWORD = "correct horse battery"


def form_with_button(page: Page, label: str) -> Form:
    """The first form with a button whose label contains `label` (pages.Page.form also matches any
    text after a form, so the header's forms would shadow the page's)."""
    for form in page.forms:
        if any(label.lower() in text.lower() for _, _, text in form.buttons):
            form.action = urljoin(page.url, form.action or page.url)
            return form
    raise AssertionError(f"no form with a {label!r} button on {page.url}")


class Browser:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.page: Page | None = None
        self.status = 0
        self.email = ""

    def _done(self, response) -> Page:
        self.status = response.status_code
        query = response.request.query_string.decode()
        url = f"http://localhost{response.request.path}" + (f"?{query}" if query else "")
        self.page = parse(url, response.get_data(as_text=True))
        return self.page

    def get(self, url: str, follow: bool = True) -> Page:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return self._done(self.client.get(path, follow_redirects=follow))

    def submit(self, form: Form, button: str | None = None, **values: str | list[str]) -> Page:
        """POST the form as a browser would (its CSRF token included), to its action's path and query."""
        parts = urlsplit(form.action)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return self._done(self.client.post(path, data=form.data(button, **values), follow_redirects=True))

    def redirect_of(self, form: Form, button: str | None = None, **values: str | list[str]) -> str:
        """POST the form and return where the app redirects the browser (e.g. to an OAuth server)."""
        response = self.client.post(urlsplit(form.action).path, data=form.data(button, **values))
        assert response.status_code in (302, 303), response.status_code
        return response.headers["Location"]

    def form(self, label: str) -> Form:
        """The current page's form with a button labelled `label`."""
        assert self.page is not None
        return form_with_button(self.page, label)

    def fill(self, url: str, button: str, **values: str | list[str]) -> Page:
        """Open `url`, fill the form with the `button`, press it."""
        self.get(url)
        return self.submit(self.form(button), button, **values)

    def sign_up(self, name: str, email: str, password: str = PASSWORD, next_url: str = "") -> Page:
        self.email = email
        url = f"/signup?next={next_url}" if next_url else "/signup"
        return self.fill(url, "Sign up", name=name, email=email, password=password)

    def log_in(self, email: str, password: str = PASSWORD) -> Page:
        self.email = email
        return self.fill("/login", "Log in", email=email, password=password)

    def log_out(self) -> Page:
        self.get("/")
        return self.submit(self.form("Log out"))

    def csrf_token(self) -> str:
        """A valid CSRF token of this session (from any page's form)."""
        self.get("/")
        return self.form("Log out").fields["csrf_token"]
