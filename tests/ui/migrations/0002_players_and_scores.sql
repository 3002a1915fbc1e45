CREATE TABLE players (
    id INTEGER PRIMARY KEY,
    game_id INTEGER NOT NULL REFERENCES games (id),
    name TEXT NOT NULL,
    nickname TEXT
);
CREATE TABLE scores (
    player_id INTEGER NOT NULL,
    points INTEGER NOT NULL,
    note TEXT
) STRICT;
CREATE VIEW finished_games AS
    SELECT id, name, completed_at FROM games WHERE completed_at IS NOT NULL;
