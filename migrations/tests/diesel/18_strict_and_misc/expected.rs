// @generated automatically by Diesel CLI.

diesel::table! {
    altered (id) {
        id -> Integer,
        added -> Nullable<Text>,
    }
}

diesel::table! {
    dflt (id) {
        id -> Integer,
        a -> Text,
        b -> Nullable<Integer>,
        c -> Nullable<Text>,
    }
}

diesel::table! {
    s (id) {
        id -> Nullable<Integer>,
        a -> Integer,
        b -> Nullable<Text>,
        d -> Nullable<Binary>,
        e -> Nullable<Float>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(altered, dflt, s,);
