// @generated automatically by Diesel CLI.

diesel::table! {
    aaaaaaaaaaaaaaaaaaaaaaaa (id) {
        id -> Integer,
    }
}

diesel::table! {
    bbbbbbbbbbbbbbbbbbbbbbbb (id) {
        id -> Integer,
    }
}

diesel::allow_tables_to_appear_in_same_query!(aaaaaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbb,);
