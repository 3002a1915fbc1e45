CREATE TABLE players (
    id INTEGER PRIMARY KEY,
    game_id INTEGER NOT NULL REFERENCES games (id),
    name TEXT NOT NULL,
    score INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX players_game_id ON players (game_id);
