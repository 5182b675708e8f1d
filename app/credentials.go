package app

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// CredentialsFor derives what the window's DM UI needs from the hub's base URL and DM token.
//
// The hub may listen on every interface (0.0.0.0 or [::]) so players can reach it; the window
// runs on the same machine and dials loopback instead, which is always allowed and never leaves
// the laptop.
func CredentialsFor(baseURL, token string) (Credentials, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return Credentials{}, fmt.Errorf("hub base URL %q: %w", baseURL, err)
	}
	var wsScheme string
	switch u.Scheme {
	case "http":
		wsScheme = "ws"
	case "https":
		wsScheme = "wss"
	default:
		return Credentials{}, fmt.Errorf("hub base URL %q: scheme must be http or https", baseURL)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return Credentials{}, fmt.Errorf("hub base URL %q: want scheme://host:port[/path]", baseURL)
	}
	host, port := u.Hostname(), u.Port()
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if ip.To4() != nil {
			host = "127.0.0.1"
		} else {
			host = "::1"
		}
	}
	hostPort := host
	if port != "" {
		hostPort = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		hostPort = "[" + host + "]"
	}
	path := strings.TrimRight(u.Path, "/")
	if err := checkToken(token); err != nil {
		return Credentials{}, err
	}
	return Credentials{
		HubURL: u.Scheme + "://" + hostPort + path,
		WSURL:  wsScheme + "://" + hostPort + path + "/ws",
		Token:  token,
	}, nil
}

// checkToken makes sure the token can travel as the WebSocket subprotocol "hexcrawl.dm.<token>":
// a browser's WebSocket constructor throws on anything but an RFC 7230 token.
func checkToken(token string) error {
	if token == "" {
		return errors.New("DM token is empty")
	}
	for _, c := range token {
		if !isTokenChar(c) {
			return fmt.Errorf("DM token contains %q: only letters, digits and !#$%%&'*+-.^_`|~ can travel in a WebSocket subprotocol", c)
		}
	}
	return nil
}

func isTokenChar(c rune) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.ContainsRune("!#$%&'*+-.^_`|~", c)
}

// checkExternalURL accepts only absolute http and https URLs with a host: the system browser is
// the only thing the window may open.
func checkExternalURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("open URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("open URL %q: only http and https links can be opened", raw)
	}
	return u.String(), nil
}
