CREATE TABLE agent (
  login          VARCHAR(64) PRIMARY KEY,
  name           VARCHAR(200) NOT NULL,
  password_hash  VARCHAR(512) NOT NULL,
  roles          VARCHAR(200) NOT NULL,
  buttons        VARCHAR(4000) NOT NULL,
  max_chats      INT NOT NULL,
  created_at     TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
