// @generated automatically by Diesel CLI.

diesel::table! {
    aaaaaaaaaaaaaaaaaaaaaaaaa (id) {
        id -> Integer,
    }
}

diesel::table! {
    bbbbbbbbbbbbbbbbbbbbbbbbb (id) {
        id -> Integer,
    }
}

diesel::allow_tables_to_appear_in_same_query!(aaaaaaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbb,);
