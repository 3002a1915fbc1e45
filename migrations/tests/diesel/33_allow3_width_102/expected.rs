// @generated automatically by Diesel CLI.

diesel::table! {
    xxxxxxxxxxxxxxxx (id) {
        id -> Integer,
    }
}

diesel::table! {
    yyyyyyyyyyyyyyyy (id) {
        id -> Integer,
    }
}

diesel::table! {
    zzzzzzzzzzzzzzzzz (id) {
        id -> Integer,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    xxxxxxxxxxxxxxxx,
    yyyyyyyyyyyyyyyy,
    zzzzzzzzzzzzzzzzz,
);
