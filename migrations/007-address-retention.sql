-- The retention job clears reader addresses (keyed hashes) and user agents from
-- comments older than the retention setting, every hour. This index holds only the
-- comments that still have them, so each run reads just the rows it will clear.
CREATE INDEX comments_with_address ON comments (created_at) WHERE ip_hash != '' OR user_agent != '';
-- Likes and reports keep the same keyed hash (for the per-address caps), forgotten by
-- the same job; these hold only the rows that still have one.
CREATE INDEX likes_with_address ON likes (created_at) WHERE address_hash != '';
CREATE INDEX reports_with_address ON reports (created_at) WHERE address_hash != '';
