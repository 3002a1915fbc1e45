CREATE VIRTUAL TABLE boxes USING rtree(id, minx, maxx, miny, maxy);
CREATE VIRTUAL TABLE notes USING fts4(title, body);
CREATE VIRTUAL TABLE old USING fts3(content);
