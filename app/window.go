package app

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// DMPath is the DM UI's page on the hub; the window opens it.
const DMPath = "/dm"

// Scripts Wails serves itself: the IPC bridge and the runtime that defines window.go.
const (
	wailsIPCJS     = "/wails/ipc.js"
	wailsRuntimeJS = "/wails/runtime.js"
)

// startPage is what the window gets for "/": Wails always opens wails://wails/, and the DM's
// window shows the DM UI, not the player page the hub serves at "/". The move happens in the
// page because WebKitGTK does not follow HTTP redirects from a custom URI scheme.
const startPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>Hexcrawl</title></head>
<body style="background:#1b1d23"><script>location.replace(` + "`" + DMPath + "${location.hash}`" + `)</script></body></html>
`

// WindowHandler adapts the hub's handler to the window's asset server.
//
// Wails' asset server gets every request of the window (assets have no separate file system:
// the hub already serves the embedded UI, so the window sees exactly what a browser sees, and a
// build without the UI shows the hub's "build the UI" page instead of failing to start). Wails
// injects its runtime scripts only into "/" and ".../index.html"; the DM UI lives at /dm, so this
// handler injects them into every other HTML page the hub returns, which is what gives the page
// window.go.app.App.
func WindowHandler(hub http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			switch r.URL.Path {
			case "", "/", "/index.html":
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Header().Set("Cache-Control", "no-store")
				w.WriteHeader(http.StatusOK)
				if r.Method == http.MethodGet {
					_, _ = w.Write([]byte(startPage))
				}
				return
			}
		}
		if r.Method != http.MethodGet || strings.HasSuffix(r.URL.Path, "/") {
			// Wails injects into paths ending in "/" itself.
			hub.ServeHTTP(w, r)
			return
		}
		rec := &htmlRecorder{ResponseWriter: w}
		hub.ServeHTTP(rec, r)
		rec.finish()
	})
}

// htmlRecorder passes every response through untouched except a 200 text/html one, which it
// buffers so the Wails scripts can be added to its head.
type htmlRecorder struct {
	http.ResponseWriter
	decided bool
	buffer  bool
	status  int
	body    bytes.Buffer
}

func (h *htmlRecorder) WriteHeader(code int) {
	if h.decided {
		return
	}
	h.decided = true
	hdr := h.Header()
	h.buffer = code == http.StatusOK &&
		strings.HasPrefix(strings.ToLower(hdr.Get("Content-Type")), "text/html") &&
		hdr.Get("Content-Encoding") == ""
	if h.buffer {
		h.status = code
		return
	}
	h.ResponseWriter.WriteHeader(code)
}

func (h *htmlRecorder) Write(p []byte) (int, error) {
	if !h.decided {
		if h.Header().Get("Content-Type") == "" {
			h.Header().Set("Content-Type", http.DetectContentType(p))
		}
		h.WriteHeader(http.StatusOK)
	}
	if h.buffer {
		return h.body.Write(p)
	}
	return h.ResponseWriter.Write(p)
}

// finish writes a buffered page with the scripts injected. A page that does not parse is passed
// on as it was: the window then shows it without the bindings rather than nothing.
func (h *htmlRecorder) finish() {
	if !h.decided {
		h.WriteHeader(http.StatusOK)
	}
	if !h.buffer {
		return
	}
	page := h.body.Bytes()
	if out, err := injectWailsScripts(page); err == nil {
		page = out
	}
	h.Header().Del("Content-Length")
	h.Header().Set("Content-Length", strconv.Itoa(len(page)))
	h.ResponseWriter.WriteHeader(h.status)
	_, _ = h.ResponseWriter.Write(page)
}

// injectWailsScripts puts the IPC bridge and the runtime first in <head>, in that order, as Wails
// does for its own pages: they are classic scripts, so they run before the UI's module bundle.
func injectWailsScripts(page []byte) ([]byte, error) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, err
	}
	head := findElement(doc, atom.Head)
	if head == nil { // html.Parse always creates one; keep the guard anyway
		return page, nil
	}
	if hasScript(head, wailsRuntimeJS) {
		return page, nil
	}
	for _, src := range []string{wailsRuntimeJS, wailsIPCJS} { // each goes first: ipc ends up first
		s := &html.Node{Type: html.ElementNode, Data: "script", DataAtom: atom.Script,
			Attr: []html.Attribute{{Key: "src", Val: src}}}
		head.InsertBefore(s, head.FirstChild)
	}
	var out bytes.Buffer
	if err := html.Render(&out, doc); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func findElement(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if found := findElement(c, a); found != nil {
			return found
		}
	}
	return nil
}

func hasScript(n *html.Node, src string) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == atom.Script {
			for _, a := range c.Attr {
				if a.Key == "src" && a.Val == src {
					return true
				}
			}
		}
	}
	return false
}
