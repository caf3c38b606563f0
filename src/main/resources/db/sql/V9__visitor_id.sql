-- The visitor id (docs/CONTEXT.md "Chats before"): set only on sites with sites[].rememberVisitorDays > 0, from the
-- random id the frame keeps in its own storage; null elsewhere. Personal data (docs/PRIVACY.md): found by the
-- data-rights export/erase, and gone with its chat under chat.retentionDays.

ALTER TABLE chat ADD COLUMN visitor_id VARCHAR(22);
CREATE INDEX IF NOT EXISTS chat_site_visitor ON chat (site, visitor_id);
