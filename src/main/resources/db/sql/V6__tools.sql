-- Conversation tools (docs/CONSOLE.md "Transfer and canned responses"): canned responses per site, managed by
-- admins, and the transfers of chats with their notes (shown to the receiving agent, never to the visitor).
-- Times are epoch milliseconds.

CREATE TABLE IF NOT EXISTS canned_response (
  id          VARCHAR(32) PRIMARY KEY,
  site        VARCHAR(64) NOT NULL,
  shortcut    VARCHAR(64) NOT NULL,
  text        VARCHAR(65535) NOT NULL,
  created_by  VARCHAR(64) NOT NULL,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS canned_response_shortcut ON canned_response (site, shortcut);

CREATE TABLE IF NOT EXISTS chat_transfer (
  chat_id     VARCHAR(64) NOT NULL,
  at          BIGINT NOT NULL,
  from_login  VARCHAR(64) NOT NULL,
  from_name   VARCHAR(200) NOT NULL,
  to_login    VARCHAR(64),
  to_button   VARCHAR(64) NOT NULL,
  note        VARCHAR(4000) NOT NULL
);
CREATE INDEX IF NOT EXISTS chat_transfer_chat ON chat_transfer (chat_id, at);
