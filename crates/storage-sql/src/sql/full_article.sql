SELECT a.*,
       s.slug AS section_slug, s.name AS section_name, s.description AS section_description,
       m.id AS media_id, m.file_name, m.content_type, m.width, m.height, m.caption, m.credit, m.alt_text, m.uploaded_by
FROM articles a
JOIN sections s ON s.id = a.section_id
LEFT JOIN media m ON m.id = a.lead_media_id
