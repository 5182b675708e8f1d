package game

import (
	"errors"
	"fmt"
)

// ErrorCode classifies a failure for clients. Codes travel on the wire: append only.
type ErrorCode string

const (
	EMalformed   ErrorCode = "malformed"
	EUnknownType ErrorCode = "unknown_type"
	EInvalid     ErrorCode = "invalid"
	EForbidden   ErrorCode = "forbidden"
	EConflict    ErrorCode = "conflict"
	ENotFound    ErrorCode = "not_found"
	EGone        ErrorCode = "gone"
	EUnauth      ErrorCode = "unauthorized"
	EInternal    ErrorCode = "internal"
	// EUnsupportedMedia: an HTTP body that is not JSON (a cross-site form could send it).
	EUnsupportedMedia ErrorCode = "unsupported_media_type"
	// ERateLimited: too many attempts of one kind (joins from one address, where Retry-After
	// says when to try again; a player's pings); try again in a moment.
	ERateLimited ErrorCode = "rate_limited"
)

// ErrorCodes lists every code, in the order docs/protocol.md and constants.json give them.
var ErrorCodes = []ErrorCode{EMalformed, EUnknownType, EInvalid, EForbidden, EConflict, ENotFound, EGone, EUnauth, EInternal,
	EUnsupportedMedia, ERateLimited}

// Error is a failure that is safe to show to the client that caused it.
type Error struct {
	Code    ErrorCode
	Message string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Errorf builds an *Error with a formatted message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns err's code, or EInternal for anything that is not a *Error.
func CodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// MessageOf returns the client-safe message of err; internal details are never exposed.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
