-- File attachments in chats (docs/ATTACHMENTS.md): the bytes live in the database, next to the chat they belong
-- to, so retention, privacy export/erase, backups and a cluster's nodes all see the same files. type is the type
-- sniffed from the bytes, name is the sender's file name, shown only as text.
CREATE TABLE IF NOT EXISTS attachment (
  id             VARCHAR(32) PRIMARY KEY,
  chat_id        VARCHAR(64) NOT NULL,
  visitor_token  VARCHAR(64),
  sender         VARCHAR(16) NOT NULL,
  name           VARCHAR(200) NOT NULL,
  type           VARCHAR(100) NOT NULL,
  size           BIGINT NOT NULL,
  at             BIGINT NOT NULL,
  data           BYTEA NOT NULL
);
CREATE INDEX IF NOT EXISTS attachment_chat ON attachment (chat_id);
CREATE INDEX IF NOT EXISTS attachment_visitor ON attachment (visitor_token);
