SELECT a.id, a.slug, a.headline, a.standfirst, a.published_at, a.updated_at, a.status, a.revision, a.embargo_until, a.owner_id,
       s.slug AS section_slug, s.name AS section_name, s.description AS section_description,
       m.id AS media_id, m.file_name, m.content_type, m.width, m.height, m.caption, m.credit, m.alt_text, m.uploaded_by,
       (SELECT COUNT(*) FROM comments c WHERE c.article_id = a.id AND c.status = 'approved') AS comment_count
FROM articles a
JOIN sections s ON s.id = a.section_id
LEFT JOIN media m ON m.id = a.lead_media_id
WHERE a.status = 'published' AND /*filter*/
ORDER BY a.published_at DESC, a.id DESC
LIMIT ? OFFSET ?
