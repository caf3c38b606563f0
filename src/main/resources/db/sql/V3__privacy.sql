-- Data rights (docs/PRIVACY.md): a left message remembers the page session it came from, so a visitor's left
-- messages and chats are found together; and the look-ups that export and erasure make have indexes.
ALTER TABLE left_message ADD COLUMN IF NOT EXISTS session_id VARCHAR(64);
CREATE INDEX IF NOT EXISTS left_message_session ON left_message (session_id);
CREATE INDEX IF NOT EXISTS chat_session ON chat (session_id);
CREATE INDEX IF NOT EXISTS chat_visitor_token ON chat (visitor_token);
CREATE INDEX IF NOT EXISTS audit_target ON audit (target);
