-- Transcript e-mails to visitors (docs/TRANSCRIPTS.md): the send limits count these rows, so they hold on every node
-- of a cluster and across a restart or a leader change. The address is kept only as the SHA-256 (hex) of its
-- lower-case form; rows go after 30 days (the per-chat window). Times are epoch milliseconds. Checks and inserts
-- run in one transaction that first locks the single row of transcript_mail_lock (one sender at a time).

CREATE TABLE IF NOT EXISTS transcript_mail (
  chat_id       VARCHAR(64) NOT NULL,
  session_id    VARCHAR(64) NOT NULL,
  address_hash  VARCHAR(64) NOT NULL,
  at            BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS transcript_mail_chat ON transcript_mail (chat_id);
CREATE INDEX IF NOT EXISTS transcript_mail_session ON transcript_mail (session_id, at);
CREATE INDEX IF NOT EXISTS transcript_mail_address ON transcript_mail (address_hash, at);
CREATE INDEX IF NOT EXISTS transcript_mail_at ON transcript_mail (at);

CREATE TABLE IF NOT EXISTS transcript_mail_lock (
  id  INTEGER PRIMARY KEY
);
INSERT INTO transcript_mail_lock (id) VALUES (1);
