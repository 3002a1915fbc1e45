SELECT id, name, email, age, score, team_id FROM users
SELECT * FROM users
SELECT * FROM posts
SELECT * FROM tags
SELECT * FROM codes
SELECT * FROM strict_kv
SELECT * FROM bigid
SELECT rowid, oid, _rowid_ FROM users
SELECT rowid FROM codes
SELECT u.rowid, p.rowid FROM users u LEFT JOIN posts p ON p.user_id = u.id
SELECT users.name, posts.title FROM users JOIN posts ON posts.user_id = users.id
SELECT u.name, p.title FROM users u INNER JOIN posts p ON p.user_id = u.id
SELECT u.name, p.title FROM users u LEFT JOIN posts p ON p.user_id = u.id
SELECT u.name, p.title FROM users u LEFT OUTER JOIN posts p ON p.user_id = u.id
SELECT u.name, p.title FROM posts p RIGHT JOIN users u ON p.user_id = u.id
SELECT u.name, p.title FROM users u RIGHT JOIN posts p ON p.user_id = u.id
SELECT u.name, p.title FROM users u FULL OUTER JOIN posts p ON p.user_id = u.id
SELECT u.name, p.title FROM users u CROSS JOIN posts p
SELECT u.name, p.title FROM users u, posts p WHERE p.user_id = u.id
SELECT u.name, t.title FROM users u LEFT JOIN teams t ON t.id = u.team_id
SELECT u.name, t.title, p.title FROM users u LEFT JOIN teams t ON t.id = u.team_id JOIN posts p ON p.user_id = u.id
SELECT u.name, t.title, p.title FROM users u JOIN posts p ON p.user_id = u.id LEFT JOIN teams t ON t.id = u.team_id
SELECT t.title, u.name, p.title FROM teams t LEFT JOIN users u ON u.team_id = t.id LEFT JOIN posts p ON p.user_id = u.id
SELECT a.name, b.name FROM users a LEFT JOIN users b ON b.id = a.age
SELECT a.name, b.name FROM users a JOIN users b ON b.id = a.team_id
SELECT a.name AS first, b.email AS second FROM users a, users b
SELECT * FROM users u LEFT JOIN teams t ON t.id = u.team_id
SELECT * FROM users JOIN teams USING (id)
SELECT * FROM users LEFT JOIN teams USING (id)
SELECT * FROM users NATURAL JOIN teams
SELECT * FROM users NATURAL LEFT JOIN teams
SELECT id, title FROM users JOIN teams USING (id)
SELECT u.*, t.* FROM users u LEFT JOIN teams t ON t.id = u.team_id
SELECT t.* FROM users u LEFT JOIN teams t ON t.id = u.team_id
SELECT p.*, tg.tag FROM posts p LEFT JOIN tags tg ON tg.post_id = p.id
SELECT name, title, body FROM user_posts
SELECT * FROM user_posts
SELECT title, author FROM authored
SELECT * FROM team_counts
SELECT email FROM emails
SELECT e.email, u.name FROM emails e JOIN users u ON u.email = e.email
SELECT up.title FROM user_posts up WHERE up.title IS NOT NULL
SELECT name FROM users WHERE email IS NOT NULL
SELECT email FROM users WHERE email IS NOT NULL
SELECT email FROM users WHERE email IS NOT NULL AND age > 3
SELECT email, age FROM users WHERE email = 'a@x' OR age > 3
SELECT email FROM users WHERE NOT (email IS NULL)
SELECT age FROM users WHERE age > 10
SELECT age FROM users WHERE age BETWEEN 1 AND 50
SELECT email FROM users WHERE email LIKE '%@%'
SELECT age FROM users WHERE age IN (1, 2, 3)
SELECT p.title, u.name FROM posts p LEFT JOIN users u ON u.id = p.user_id WHERE u.name = 'ann'
SELECT p.title, u.email FROM posts p LEFT JOIN users u ON u.id = p.user_id WHERE u.id IS NOT NULL
SELECT p.title, u.email FROM posts p LEFT JOIN users u ON u.id = p.user_id WHERE u.email IS NOT NULL
SELECT count(*) FROM users
SELECT count(email) FROM users
SELECT count(*), sum(age), avg(age), min(age), max(age), total(age) FROM users
SELECT sum(score), avg(score), min(score), max(score) FROM users
SELECT sum(likes) FROM posts
SELECT group_concat(name), group_concat(email) FROM users
SELECT json_group_array(name), json_group_object(name, age) FROM users
SELECT name, count(*) FROM users
SELECT name, max(age) FROM users
SELECT team_id, count(*) FROM users GROUP BY team_id
SELECT team_id, sum(score), min(score), max(score), avg(score) FROM users GROUP BY team_id
SELECT team_id, sum(age), max(age) FROM users GROUP BY team_id
SELECT team_id, group_concat(name) FROM users GROUP BY team_id
SELECT name, count(*) AS n FROM users GROUP BY name HAVING count(*) > 0
SELECT user_id, count(*) FROM posts GROUP BY user_id
SELECT u.name, count(p.id) FROM users u LEFT JOIN posts p ON p.user_id = u.id GROUP BY u.id
SELECT u.name, sum(p.likes) FROM users u LEFT JOIN posts p ON p.user_id = u.id GROUP BY u.id
SELECT u.name, max(p.likes) FROM users u LEFT JOIN posts p ON p.user_id = u.id GROUP BY u.id
SELECT count(*) FILTER (WHERE age > 3), sum(score) FILTER (WHERE age > 3) FROM users
SELECT team_id, sum(score) FILTER (WHERE age > 3) FROM users GROUP BY team_id
SELECT count(DISTINCT team_id) FROM users
SELECT (SELECT count(*) FROM posts)
SELECT (SELECT max(likes) FROM posts)
SELECT (SELECT title FROM posts LIMIT 1)
SELECT name, (SELECT count(*) FROM posts p WHERE p.user_id = u.id) AS n FROM users u
SELECT name, (SELECT title FROM posts p WHERE p.user_id = u.id LIMIT 1) FROM users u
SELECT name, (SELECT sum(likes) FROM posts p WHERE p.user_id = u.id) FROM users u
SELECT EXISTS (SELECT 1 FROM posts), NOT EXISTS (SELECT 1 FROM users)
SELECT name, EXISTS (SELECT 1 FROM posts p WHERE p.user_id = u.id) FROM users u
SELECT name, id IN (SELECT user_id FROM posts) FROM users
SELECT name, id IN (SELECT id FROM teams) FROM users
SELECT name, age IN (1, 2) FROM users
SELECT name, id IN (1, 2) FROM users
SELECT name, id IN (1, NULL) FROM users
SELECT coalesce(email, name), coalesce(email, age), ifnull(email, 'none') FROM users
SELECT coalesce(p.title, 'untitled') FROM users u LEFT JOIN posts p ON p.user_id = u.id
SELECT nullif(name, 'ann'), nullif(score, 0) FROM users
SELECT iif(age > 3, name, email), iif(age > 3, name, 'young') FROM users
SELECT CASE WHEN age > 3 THEN 'old' ELSE 'young' END FROM users
SELECT CASE WHEN age > 3 THEN 'old' END FROM users
SELECT CASE age WHEN 1 THEN name ELSE email END FROM users
SELECT CASE WHEN email IS NULL THEN name ELSE email END FROM users
SELECT CAST(age AS TEXT), CAST(name AS INTEGER), CAST(score AS INTEGER) FROM users
SELECT CAST(NULL AS TEXT)
SELECT users.id / 2, users.id % 2, score / 2, likes / posts.id FROM users, posts
SELECT score / age, likes % 3 FROM users, posts
SELECT 1 / 0, 5 % 0, 1.0 / 0
SELECT id + 1, score * 2, age - 1, -age, -score FROM users
SELECT name || ' <' || email || '>' FROM users
SELECT name || '!' FROM users
SELECT age > 3, name = 'ann', email = 'x', score <> 0 FROM users
SELECT age IS NULL, email IS NOT NULL, email IS 'x', age IS NOT 3 FROM users
SELECT name LIKE 'a%', email LIKE 'a%', name GLOB 'a*' FROM users
SELECT age BETWEEN 1 AND 3, score BETWEEN 0 AND 1 FROM users
SELECT age > 1 AND score > 1, age > 1 OR score > 1, NOT (score > 1) FROM users
SELECT lower(name), upper(email), length(name), length(email), abs(age), abs(score) FROM users
SELECT substr(name, 1, 2), substr(email, 2), trim(name), replace(name, 'a', 'b'), replace(email, 'a', 'b') FROM users
SELECT round(score), round(age), instr(name, 'a'), instr(email, 'a') FROM users
SELECT typeof(email), quote(email), hex(email), random() IS NOT NULL FROM users
SELECT printf('%s-%d', name, age), format('%s', name) FROM users
SELECT datetime('now'), date(name), julianday(email) FROM users
SELECT json_extract(json_object('e', email), '$.e'), json_array(name, email), json_object('n', name) FROM users
SELECT json_valid(name), json_type(json_quote(email)), json_extract(json_array(name), '$[3]') FROM users
SELECT max(age, score), min(score, 1), max(score, 1) FROM users
SELECT sqlite_compileoption_used(name) FROM users
SELECT name, row_number() OVER (ORDER BY id), rank() OVER (ORDER BY age) FROM users
SELECT name, count(*) OVER (), sum(score) OVER (PARTITION BY team_id) FROM users
SELECT name, lag(name) OVER (ORDER BY id), lead(age) OVER (ORDER BY id), first_value(name) OVER (ORDER BY id) FROM users
SELECT name FROM users UNION SELECT title FROM teams
SELECT name, email FROM users UNION ALL SELECT title, motto FROM teams
SELECT name, age FROM users UNION ALL SELECT title, NULL FROM teams
SELECT email FROM users INTERSECT SELECT motto FROM teams
SELECT name FROM users INTERSECT SELECT motto FROM teams
SELECT email FROM users EXCEPT SELECT motto FROM teams
SELECT name FROM users EXCEPT SELECT title FROM teams
VALUES (1, 'a'), (2, NULL)
VALUES (1, 'a'), (2, 'b')
SELECT * FROM (VALUES (1, NULL), (2, 'b'))
SELECT x.n, x.e FROM (SELECT name AS n, email AS e FROM users) AS x
SELECT x.* FROM (SELECT u.name, p.title FROM users u LEFT JOIN posts p ON p.user_id = u.id) x
SELECT x.n FROM (SELECT count(*) AS n FROM users) x
SELECT x.m FROM (SELECT max(age) AS m FROM users) x
SELECT d.title, u.name FROM users u LEFT JOIN (SELECT user_id, title FROM posts) d ON d.user_id = u.id
WITH c AS (SELECT name, email FROM users) SELECT name, email FROM c
WITH c AS (SELECT u.name, p.title FROM users u LEFT JOIN posts p ON p.user_id = u.id) SELECT * FROM c
WITH c(a, b) AS (SELECT id, email FROM users) SELECT a, b FROM c
WITH c AS (SELECT team_id, count(*) AS n FROM users GROUP BY team_id) SELECT t.title, c.n FROM teams t LEFT JOIN c ON c.team_id = t.id
WITH c AS (SELECT max(score) AS top FROM users) SELECT top FROM c
WITH c AS (SELECT name FROM users), d AS (SELECT c.name, p.title FROM c LEFT JOIN posts p ON p.title = c.name) SELECT * FROM d
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r
WITH RECURSIVE chain(id, name) AS (SELECT id, name FROM users WHERE id = 1 UNION SELECT u.id, u.name FROM users u JOIN chain c ON u.team_id = c.id) SELECT * FROM chain
SELECT key, value FROM json_each('[1, null, 2]')
SELECT u.name, j.value FROM users u, json_each('[1,2]') j
SELECT name FROM pragma_table_info('users')
SELECT id FROM users ORDER BY age DESC LIMIT 2
SELECT DISTINCT team_id FROM users
SELECT DISTINCT name, email FROM users
SELECT name FROM users WHERE id = (SELECT max(id) FROM users)
SELECT main.users.name FROM main.users
SELECT u.name FROM main.users AS u
SELECT "name", "email" FROM "users"
SELECT [name] FROM users
SELECT `email` FROM users
SELECT NULL, 1, 'x', x'00', 1.5
SELECT NULL AS none_here FROM users
SELECT code, label, n FROM codes
SELECT code FROM codes WHERE code IS NOT NULL
SELECT k, v FROM strict_kv
SELECT id, note FROM bigid
SELECT c.code, u.name FROM codes c LEFT JOIN users u ON u.name = c.label
SELECT tg.tag, p.title FROM tags tg LEFT JOIN posts p ON p.id = tg.post_id
SELECT tg.post_id, tg.tag, tg.weight FROM tags tg
SELECT p.title, t.tag FROM posts p JOIN tags t ON t.post_id = p.id WHERE t.weight > 1
SELECT u.name, p.title FROM users u LEFT JOIN posts p ON p.user_id = u.id AND p.likes > 3
SELECT u.name, p.title FROM users u LEFT JOIN posts p ON p.user_id = u.id WHERE p.likes > 3
SELECT u.name, p.title FROM users u LEFT JOIN posts p ON p.user_id = u.id WHERE p.likes > 3 OR u.age > 3
SELECT u.name, t.motto FROM users u JOIN teams t ON t.id = u.team_id AND t.motto IS NOT NULL
SELECT u.name, t.motto FROM users u LEFT JOIN teams t ON t.id = u.team_id AND t.motto IS NOT NULL
SELECT (SELECT name FROM users u2 WHERE u2.id = u.team_id) FROM users u
SELECT (SELECT count(*) FROM posts WHERE posts.user_id = users.id) + 1 FROM users
SELECT (SELECT count(*) FROM posts GROUP BY user_id) FROM users
SELECT total(likes), count(likes) FROM posts WHERE likes > 100
SELECT max(title) FROM posts WHERE likes > 100
SELECT likes FROM posts WHERE likes > 100 GROUP BY likes
SELECT name FROM users WHERE name IN (SELECT title FROM teams)
SELECT upper(coalesce(email, name)) FROM users
SELECT abs(coalesce(age, 0)) + 1 FROM users
SELECT sum(coalesce(age, 0)) FROM users GROUP BY team_id
SELECT coalesce(sum(age), 0) FROM users
SELECT coalesce(max(age), min(age)) FROM users
SELECT ifnull(max(p.likes), 0) FROM users u LEFT JOIN posts p ON p.user_id = u.id GROUP BY u.id
SELECT likely(name), unlikely(email) FROM users
SELECT char(65), unicode(name), unicode(email) FROM users
SELECT zeroblob(2), randomblob(2) FROM users
SELECT changes(), last_insert_rowid(), total_changes(), sqlite_version()
SELECT ltrim(name, 'a'), rtrim(email, 'x') FROM users
INSERT INTO users (name) VALUES ('zed') RETURNING id, name, email, score
INSERT INTO posts (title, user_id) VALUES ('t', NULL) RETURNING id, user_id, title, likes, body
INSERT INTO posts (title) VALUES ('t') RETURNING *
UPDATE users SET age = 3 RETURNING id, name, age, email
UPDATE users SET email = NULL WHERE id = 1 RETURNING email, name
DELETE FROM posts RETURNING id, title, body
DELETE FROM posts WHERE likes > 2 RETURNING *
INSERT INTO users (name, email) VALUES ('a', 'b') RETURNING email, upper(email), id * 2
