CREATE TABLE audit (
  id       BIGINT AUTO_INCREMENT PRIMARY KEY,
  at       BIGINT NOT NULL,
  actor    VARCHAR(64) NOT NULL,
  action   VARCHAR(64) NOT NULL,
  target   VARCHAR(200),
  detail   VARCHAR(1000),
  address  VARCHAR(64)
);
CREATE INDEX audit_at ON audit (at);
