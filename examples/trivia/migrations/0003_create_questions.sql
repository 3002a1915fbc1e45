CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    game_id INTEGER NOT NULL REFERENCES games (id),
    prompt TEXT NOT NULL,
    answer TEXT NOT NULL,
    points INTEGER NOT NULL DEFAULT 1
);
