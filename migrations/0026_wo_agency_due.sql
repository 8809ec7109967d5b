-- Orders past a due time within one agency (GET /workorders?overdue=1 and its count, the
-- 工作台's 已超时, issue #13): with only (agency_id, ...) and (accept_due_at) apart, SQLite
-- without statistics walked every order of the agency (~1 s at 1M orders); these let the
-- OR of the two due times be two index ranges within the agency.
CREATE INDEX workorder_agency_accept_due ON workorder(agency_id, accept_due_at);
CREATE INDEX workorder_agency_resolve_due ON workorder(agency_id, resolve_due_at);
-- A requester's open orders (the 工作台's 我的申请 and 待我评价, 我的报修 filtered on a status)
-- are a few among their hundreds of closed ones: found by status within the requester.
CREATE INDEX workorder_requester_status ON workorder(requester_id, status);
