// @generated automatically by Diesel CLI.

diesel::table! {
    _private (id) {
        id -> Integer,
        v -> Nullable<Text>,
    }
}

diesel::table! {
    _x_ (id) {
        id -> Integer,
    }
}

diesel::table! {
    normal (id) {
        id -> Integer,
    }
}

diesel::allow_tables_to_appear_in_same_query!(_private, _x_, normal,);
