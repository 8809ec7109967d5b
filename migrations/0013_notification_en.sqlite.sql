-- Notifications in the reader's language (issue #10 item 8): a notification is
-- formatted once, when it is sent, so both languages are stored then. NULL =
-- no English (a text outside the message table): readers fall back to zh-CN.
-- event.payload_en is the SSE data of a "notification" event in English.
-- app_user.lang is the language the user chose (PUT /api/v1/me/language):
-- 'zh-CN' or 'en'; NULL = follow the browser's Accept-Language.
ALTER TABLE notification ADD COLUMN title_en TEXT;
ALTER TABLE notification ADD COLUMN body_en TEXT;
ALTER TABLE event ADD COLUMN payload_en TEXT;
ALTER TABLE app_user ADD COLUMN lang TEXT;
