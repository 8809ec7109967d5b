-- 乘车人 and their ratings (issue #15 item 4, "passengers rate the trip 1–5"): the colleagues a
-- trip request names (besides the free-text passenger_names of people without an account), who
-- read the trip like its requester and rate it once it is back; trip_rating holds every rating,
-- the requester's too (vehicle_trip.rating keeps the requester's as before), so the monthly
-- report and the trip's average read one table. The requester ratings given so far move here.
CREATE TABLE trip_passenger (
  agency_id INTEGER NOT NULL REFERENCES department(id),
  trip_id INTEGER NOT NULL REFERENCES vehicle_trip(id),
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (trip_id, user_id)
);
CREATE INDEX trip_passenger_user ON trip_passenger(user_id, trip_id);

CREATE TABLE trip_rating (
  id INTEGER PRIMARY KEY,
  agency_id INTEGER NOT NULL REFERENCES department(id),
  trip_id INTEGER NOT NULL REFERENCES vehicle_trip(id),
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  comment TEXT,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX trip_rating_once ON trip_rating(trip_id, user_id);

INSERT INTO trip_rating (agency_id, trip_id, user_id, rating, comment, created_at)
SELECT agency_id, id, requester_id, rating, rating_comment, updated_at FROM vehicle_trip
WHERE rating IS NOT NULL;
