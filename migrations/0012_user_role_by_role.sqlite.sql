-- Who holds a role ("the agency's office users", approval steps by role) was
-- found by walking every user of the agency and probing user_role: 240 us of
-- each work-order create under the write lock with 600 staff (issue #5).
CREATE INDEX user_role_role ON user_role(role, user_id);
