-- Fixed statements of accounts.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: delete_app_session
DELETE FROM app_session WHERE user_id = $1;

-- name: ensure_first_admin_select_app_user
SELECT count(*)::int AS n FROM app_user;

-- name: ensure_first_admin_insert_app_user
INSERT INTO app_user (username, display_name, password_hash, role, created_by)
SELECT 'admin', '管理员', $1, 'admin', 'first start' WHERE NOT EXISTS (SELECT 1 FROM app_user)
ON CONFLICT (username) DO NOTHING;

-- name: create_session_insert_app_session
INSERT INTO app_session (token_hash, user_id, csrf_token, expires_at)
VALUES ($1, $2, $3, now() + make_interval(hours => $4)) RETURNING expires_at AS "expiresAt";

-- name: create_session_delete_app_session
DELETE FROM app_session WHERE expires_at < now();

-- name: session_user_select_app_session
SELECT u.id::int AS id, u.username, u.display_name AS "displayName", u.role, u.region, u.disabled,
  u.created_at AS "createdAt", s.csrf_token AS "csrfToken"
FROM app_session s JOIN app_user u ON u.id = s.user_id
WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled;

-- name: end_session_delete_app_session
DELETE FROM app_session WHERE token_hash = $1;
