-- Restarts do not disturb people (docs/LIFECYCLE.md): what a single node needs to carry on after a SIGTERM restart
-- or a crash. Agent logins (only the SHA-256 of each token, never the token), each agent's availability per chat
-- button, and the page sessions with their contact codes (only the SHA-256 of the resume token).
CREATE TABLE IF NOT EXISTS agent_token (
  token_hash  VARCHAR(64) PRIMARY KEY,
  login       VARCHAR(64) NOT NULL,
  expires_at  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS agent_token_login ON agent_token (login);
CREATE TABLE IF NOT EXISTS agent_availability (
  login            VARCHAR(64) PRIMARY KEY,
  buttons          VARCHAR(4000) NOT NULL,
  max_chats        INTEGER NOT NULL,
  connected_until  BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS page_session (
  id           VARCHAR(64) PRIMARY KEY,
  site         VARCHAR(64) NOT NULL,
  resume_hash  VARCHAR(64) NOT NULL,
  handle       VARCHAR(64) NOT NULL,
  code         VARCHAR(32),
  started_at   BIGINT NOT NULL,
  saved_at     BIGINT NOT NULL
);
