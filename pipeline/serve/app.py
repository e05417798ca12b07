"""The preview's routes. Only what the builds made is served: a slug is looked
up among the publications previewed, an EPUB member in the zip's own list of
names, and nothing else of a URL ever reaches the file system."""

from __future__ import annotations

import asyncio
import json

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from . import page
from .epubview import Shelf
from .pdfpages import Pages
from .runner import Runner, State

# An EPUB's documents are shown as they are, without running anything in them.
MEMBER_POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; media-src 'self'; script-src 'none'; frame-ancestors 'self'"
)
SHELL_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "frame-src 'self'; frame-ancestors 'none'"
)
KEEPALIVE = 15.0  # seconds between comments on a quiet event stream


class Hub:
    """The open event streams; builds finish in another thread."""

    def __init__(self):
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queues: set[asyncio.Queue] = set()

    def send(self, state: State | None) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        for queue in list(self.queues):
            loop.call_soon_threadsafe(queue.put_nowait, state)

    def close(self) -> None:
        """End every stream, so that the server can stop."""
        self.send(None)


def _event(name: str, state: State) -> str:
    return f"event: {name}\ndata: {json.dumps(state.as_dict())}\n\n"


def create_app(runner: Runner, allowed_hosts: set[str] | None = None) -> Starlette | _HostCheck:
    """allowed_hosts: the Host headers accepted (the loopback names with the
    port); None accepts any."""
    shelf, pages, hub = Shelf(), Pages(), Hub()
    runner.listeners.append(hub.send)
    out = runner.out

    def known(request: Request) -> str:
        slug = request.path_params["slug"]
        if slug not in runner.publications():
            raise HTTPException(404)
        return slug

    def epub_of(slug: str):
        path = out / f"{slug}.epub"
        return path, shelf.get(path)

    def title_of(slug: str) -> str:
        epub = epub_of(slug)[1]
        return epub.title if epub and epub.title else slug

    async def home(request: Request) -> Response:
        slugs = runner.publications()
        if len(slugs) == 1:
            return RedirectResponse(f"/p/{slugs[0]}/", status_code=303)
        listing = [(s, title_of(s), (out / f"{s}.epub").is_file(), (out / f"{s}.pdf").is_file()) for s in slugs]
        return HTMLResponse(page.index(listing, runner.state.generation), headers={"Cache-Control": "no-store"})

    async def shell(request: Request) -> Response:
        slug = known(request)
        epub = epub_of(slug)[1]
        html = page.shell(slug, title_of(slug), epub, pages.info(out / f"{slug}.pdf"), runner.state.as_dict())
        return HTMLResponse(html, headers={"Cache-Control": "no-store", "Content-Security-Policy": SHELL_POLICY})

    async def to_shell(request: Request) -> Response:
        return RedirectResponse(f"/p/{known(request)}/", status_code=308)

    def info(request: Request) -> Response:
        slug = known(request)
        epub = epub_of(slug)[1]
        pdf = pages.info(out / f"{slug}.pdf")
        body = {
            "slug": slug,
            "title": title_of(slug),
            "generation": runner.state.generation,
            "epub": None
            if epub is None
            else {
                "start": epub.start,
                "toc": [e.__dict__ for e in epub.toc],
                "documents": sorted(n for n in epub.names if epub.media_type(n) == "application/xhtml+xml"),
            },
            "pdf": None if pdf is None else {"digest": pdf[0], "pages": pdf[1]},
            "toc_html": page.toc_html(slug, epub),
            "pages_html": page.pages_html(slug, pdf),
        }
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    def member(request: Request) -> Response:
        slug = known(request)
        path, epub = epub_of(slug)
        name = request.path_params["member"]
        data = None if epub is None else shelf.member(path, epub, name)
        if data is None:
            return PlainTextResponse("Not Found", status_code=404)
        return Response(
            data,
            media_type=epub.media_type(name),
            headers={
                "Content-Security-Policy": MEMBER_POLICY,
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    def edition(request: Request) -> Response:
        slug = known(request)
        kind = request.path_params["kind"]
        if kind not in ("pdf", "epub"):
            raise HTTPException(404)
        path = out / f"{slug}.{kind}"
        if not path.is_file():
            return PlainTextResponse("Not Found", status_code=404)
        media = "application/pdf" if kind == "pdf" else "application/epub+zip"
        return FileResponse(
            path,
            media_type=media,
            filename=path.name,
            content_disposition_type="inline",
            headers={"Cache-Control": "no-store"},
        )

    def picture(request: Request) -> Response:
        slug = known(request)
        png = pages.picture(out / f"{slug}.pdf", request.path_params["number"])
        if png is None:
            return PlainTextResponse("Not Found", status_code=404)
        # The URL carries the PDF's digest: the same URL is the same picture.
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    async def status(request: Request) -> Response:
        return JSONResponse(runner.state.as_dict(), headers={"Cache-Control": "no-store"})

    async def events(request: Request) -> Response:
        queue: asyncio.Queue = asyncio.Queue()
        hub.loop = asyncio.get_running_loop()
        hub.queues.add(queue)

        async def stream():
            try:
                yield "retry: 1000\n" + _event("state", runner.state)
                while True:
                    try:
                        state = await asyncio.wait_for(queue.get(), KEEPALIVE)
                    except TimeoutError:
                        yield ": still here\n\n"
                        continue
                    if state is None:
                        return
                    yield _event("building" if state.building else "built", state)
            finally:
                hub.queues.discard(queue)

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        )

    async def css(request: Request) -> Response:
        return Response(page.CSS, media_type="text/css", headers={"Cache-Control": "no-store"})

    async def script(request: Request) -> Response:
        return Response(page.SCRIPT, media_type="text/javascript", headers={"Cache-Control": "no-store"})

    async def not_found(request: Request, exc: Exception) -> Response:
        return PlainTextResponse("Not Found", status_code=404)

    routes = [
        Route("/", home),
        Route("/events", events),
        Route("/status.json", status),
        Route("/preview.css", css),
        Route("/preview.js", script),
        Route("/p/{slug}", to_shell),
        Route("/p/{slug}/", shell),
        Route("/p/{slug}/info.json", info),
        Route("/p/{slug}/edition.{kind:str}", edition),
        Route("/p/{slug}/epub/{member:path}", member),
        Route("/p/{slug}/pages/{number:int}.png", picture),
    ]
    app = Starlette(routes=routes, exception_handlers={404: not_found})
    app.state.hub = hub
    if allowed_hosts is None:
        return app
    return _HostCheck(app, allowed_hosts)


class _HostCheck:
    """Answer only requests addressed to the loopback address and our port:
    a web page elsewhere cannot reach the preview by renaming its own host to
    127.0.0.1 (DNS rebinding). Not Starlette's TrustedHostMiddleware: it
    keeps what comes before the first ':', so [::1] cannot be allowed."""

    def __init__(self, app, allowed: set[str]):
        self.app, self.allowed, self.state = app, {h.lower() for h in allowed}, app.state

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1").lower()
            if host not in self.allowed:
                await PlainTextResponse("Invalid host header", status_code=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)
