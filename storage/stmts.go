package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// modernc.org/sqlite has no statement cache, and database/sql's plain ExecContext prepares,
// runs and finalises each statement: for a one-hex reveal, parsing its SQL costs more than
// running it. The statements on the hub's hot paths (every reveal, hide, paint and log entry)
// are therefore prepared once when the Store opens and reused; everything else (set-up, the
// HTTP API's occasional writes, export and import) is parsed each time.
//
// They are prepared eagerly, never lazily from inside a transaction: preparing through the
// *sql.DB takes a second pooled connection, which a busy pool might not have.
var hotStatements = []string{
	sqlSavepoint, sqlRelease,
	sqlAppendEvent,
	sqlRevealToAll, sqlRevealToMember, sqlRevealToParty, sqlRaiseMember, sqlRaiseParty, sqlSetParty,
	sqlHideAllShared, sqlHideAllPrivate, sqlHideAllParties, sqlHideFromMember, sqlHideFromParty,
	sqlPutHex, sqlDeleteHex, sqlSetPosition, sqlDeletePosition, sqlAppendMove, sqlDeleteMove,
	sqlAppendStaged, sqlDeleteStaged, sqlClearStaged,
	sqlSetSessionStatus,
	sqlSetPartyTravel, sqlAddEncounter,
}

// stmtCache maps SQL text to its prepared statement. It is filled once in Open and only read
// afterwards, so it needs no lock.
type stmtCache map[string]*sql.Stmt

func prepareHot(ctx context.Context, db *sql.DB) (stmtCache, error) {
	c := make(stmtCache, len(hotStatements))
	for _, q := range hotStatements {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			c.close()
			return nil, fmt.Errorf("prepare %.40q: %w", q, err)
		}
		c[q] = st
	}
	return c, nil
}

func (c stmtCache) close() {
	for _, st := range c {
		_ = st.Close()
	}
}

// cachedQuerier runs hot statements from the cache, on the pool or inside tx, and passes the
// rest through.
type cachedQuerier struct {
	querier
	tx    *sql.Tx // nil outside a transaction
	cache stmtCache
}

func (c cachedQuerier) stmt(ctx context.Context, query string) *sql.Stmt {
	st, ok := c.cache[query]
	if !ok {
		return nil
	}
	if c.tx != nil {
		// Reuses the statement already prepared on the transaction's connection, or prepares
		// it there once (on that same connection: no second connection is needed).
		return c.tx.StmtContext(ctx, st)
	}
	return st
}

func (c cachedQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.querier.ExecContext(ctx, query, args...)
}

func (c cachedQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.querier.QueryContext(ctx, query, args...)
}

func (c cachedQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.querier.QueryRowContext(ctx, query, args...)
}
