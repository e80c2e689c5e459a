-- A SQLite database as main at commit 522f1b1 (schema v5, before anonymity and comments)
-- left it: `sqlite3 app.db .dump`. Workshop KYCAKZ, facilitator key jzqWEbqkKW6kbABX1se1ajQd;
-- participant Anna (token aBwLert0Tpe7h2isNn5JQMIt) and an anonymous one
-- (token rSEHjNMzzfONlimWarZ4lZx_). Read by tests/test_comments.py.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE meta (
	"key" VARCHAR(64) NOT NULL, 
	value VARCHAR(256) NOT NULL, 
	PRIMARY KEY ("key")
);
INSERT INTO meta VALUES('schema_version','5');
CREATE TABLE workshops (
	id INTEGER NOT NULL, 
	code VARCHAR(16) NOT NULL, 
	facilitator_key_hash VARCHAR(64) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	team VARCHAR(200) NOT NULL, 
	language VARCHAR(2) NOT NULL, 
	created_at DATETIME NOT NULL, 
	revealed BOOLEAN NOT NULL, 
	is_sample BOOLEAN NOT NULL, 
	series VARCHAR(64), 
	joining_open BOOLEAN DEFAULT TRUE NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (code)
);
INSERT INTO workshops VALUES(1,'KYCAKZ','e3c1f2f87e37e11890627004dc1060d72e215018438478f55c0b8740f4cf1516','Q4 review','Support','da','2026-10-05 09:00:00.000000',0,0,'KYCAKZ',1);
CREATE TABLE column_mappings (
	signature VARCHAR(64) NOT NULL, 
	kind VARCHAR(20) NOT NULL, 
	mapping TEXT NOT NULL, 
	PRIMARY KEY (signature)
);
CREATE TABLE join_failures (
	id INTEGER NOT NULL, 
	scope VARCHAR(64) NOT NULL, 
	failed_at FLOAT NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE participants (
	id INTEGER NOT NULL, 
	workshop_id INTEGER NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	name VARCHAR(120), 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(workshop_id) REFERENCES workshops (id) ON DELETE CASCADE, 
	UNIQUE (token_hash)
);
INSERT INTO participants VALUES(1,1,'543226f036ec9808e8647544402df7dd0a6743e900a57dc9d60fb148081235e5','Anna','2026-11-30 23:23:59.875095');
INSERT INTO participants VALUES(2,1,'314b7d9dfc1bcbe3c627befb760ef69d7ebaa52f0db8e92e50527bcf305f846d',NULL,'2026-11-30 23:23:59.907344');
CREATE TABLE kpi_values (
	id INTEGER NOT NULL, 
	workshop_id INTEGER NOT NULL, 
	kpi VARCHAR(80) NOT NULL, 
	period VARCHAR(16) NOT NULL, 
	value FLOAT NOT NULL, 
	target FLOAT, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_kpi_period UNIQUE (workshop_id, kpi, period), 
	FOREIGN KEY(workshop_id) REFERENCES workshops (id) ON DELETE CASCADE
);
CREATE TABLE actions (
	id INTEGER NOT NULL, 
	workshop_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	action TEXT NOT NULL, 
	layer VARCHAR(40), 
	owner VARCHAR(200), 
	due_date VARCHAR(10), 
	PRIMARY KEY (id), 
	FOREIGN KEY(workshop_id) REFERENCES workshops (id) ON DELETE CASCADE
);
CREATE TABLE kpi_targets (
	workshop_id INTEGER NOT NULL, 
	kpi VARCHAR(80) NOT NULL, 
	target FLOAT NOT NULL, 
	PRIMARY KEY (workshop_id, kpi), 
	FOREIGN KEY(workshop_id) REFERENCES workshops (id) ON DELETE CASCADE
);
CREATE TABLE evidence (
	workshop_id INTEGER NOT NULL, 
	name VARCHAR(40) NOT NULL, 
	payload TEXT NOT NULL, 
	PRIMARY KEY (workshop_id, name), 
	FOREIGN KEY(workshop_id) REFERENCES workshops (id) ON DELETE CASCADE
);
CREATE TABLE ratings (
	id INTEGER NOT NULL, 
	workshop_id INTEGER NOT NULL, 
	participant_id INTEGER NOT NULL, 
	statement_id VARCHAR(80) NOT NULL, 
	rating INTEGER, 
	answered_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_rating_once UNIQUE (participant_id, statement_id), 
	FOREIGN KEY(workshop_id) REFERENCES workshops (id) ON DELETE CASCADE, 
	FOREIGN KEY(participant_id) REFERENCES participants (id) ON DELETE CASCADE
);
INSERT INTO ratings VALUES(1,1,1,'product.primary_need',4,'2026-11-30 23:23:59.912410');
INSERT INTO ratings VALUES(2,1,2,'product.primary_need',2,'2026-11-30 23:23:59.913727');
INSERT INTO ratings VALUES(3,1,1,'delivery.on_time',NULL,'2026-11-30 23:23:59.913915');
CREATE INDEX ix_workshops_series ON workshops (series);
CREATE INDEX ix_join_failures_scope_at ON join_failures (scope, failed_at);
CREATE INDEX ix_participants_workshop_id ON participants (workshop_id);
CREATE INDEX ix_kpi_values_workshop_id ON kpi_values (workshop_id);
CREATE INDEX ix_actions_workshop_id ON actions (workshop_id);
CREATE INDEX ix_ratings_workshop_statement ON ratings (workshop_id, statement_id);
CREATE INDEX ix_ratings_workshop_id ON ratings (workshop_id);
COMMIT;
