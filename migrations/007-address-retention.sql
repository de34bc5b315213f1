-- The retention job clears reader addresses (keyed hashes) and user agents from
-- comments older than the retention setting, every hour. This index holds only the
-- comments that still have them, so each run reads just the rows it will clear.
CREATE INDEX comments_with_address ON comments (created_at) WHERE ip_hash != '' OR user_agent != '';
