-- Full-text search over posts and pages: title, Markdown source and tag names,
-- kept in step with the posts by triggers, so every way of writing a post (the
-- editor, an import, a SQL shell) keeps the index right.
--
-- The body indexed is body_md, not body_html: HTML would put tag and attribute
-- names ("strong", "href", "class") into the index, while Markdown's syntax is
-- punctuation that the tokenizer drops. Stripping HTML needs code SQLite triggers
-- cannot run. The two private-use characters U+E000/U+E001 mark highlights in
-- snippets, so they are removed from what is indexed.
-- porter: "engines" finds "engine"; remove_diacritics: "cafe" finds "café".
CREATE VIRTUAL TABLE posts_fts USING fts5 (
  title, body, tags,
  tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
  INSERT INTO posts_fts (rowid, title, body, tags)
  VALUES (new.id, replace(replace(new.title, char(57344), ''), char(57345), ''),
          replace(replace(new.body_md, char(57344), ''), char(57345), ''), '');
END;

CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, body_md ON posts BEGIN
  UPDATE posts_fts SET
    title = replace(replace(new.title, char(57344), ''), char(57345), ''),
    body = replace(replace(new.body_md, char(57344), ''), char(57345), '')
  WHERE rowid = new.id;
END;

CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
  DELETE FROM posts_fts WHERE rowid = old.id;
END;

-- A post's tags are replaced row by row; each change rewrites its tag names.
CREATE TRIGGER post_tags_fts_insert AFTER INSERT ON post_tags BEGIN
  UPDATE posts_fts SET tags = (
    SELECT coalesce(group_concat(t.name, ' '), '') FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = new.post_id
  ) WHERE rowid = new.post_id;
END;

CREATE TRIGGER post_tags_fts_delete AFTER DELETE ON post_tags BEGIN
  UPDATE posts_fts SET tags = (
    SELECT coalesce(group_concat(t.name, ' '), '') FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = old.post_id
  ) WHERE rowid = old.post_id;
END;

-- Posts written before this migration.
INSERT INTO posts_fts (rowid, title, body, tags)
SELECT p.id,
       replace(replace(p.title, char(57344), ''), char(57345), ''),
       replace(replace(p.body_md, char(57344), ''), char(57345), ''),
       (SELECT coalesce(group_concat(t.name, ' '), '') FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id)
  FROM posts p;
