// @generated automatically by Diesel CLI.
//
// Written by `driftless schema --dir ../trivia/migrations --diesel`, with the
// one edit diesel users usually make: the rowid keys `id -> Integer` rather
// than `Nullable<Integer>` (a rowid is never NULL). build.rs checks this file
// against the migrations on every build.

diesel::table! {
    games (id) {
        id -> Integer,
        name -> Text,
        created_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
        winners -> Nullable<Text>,
    }
}

diesel::table! {
    players (id) {
        id -> Integer,
        game_id -> Integer,
        name -> Text,
        score -> Integer,
    }
}

diesel::table! {
    questions (id) {
        id -> Integer,
        game_id -> Integer,
        prompt -> Text,
        answer -> Text,
        points -> Integer,
    }
}

diesel::joinable!(players -> games (game_id));
diesel::joinable!(questions -> games (game_id));

diesel::allow_tables_to_appear_in_same_query!(games, players, questions,);
