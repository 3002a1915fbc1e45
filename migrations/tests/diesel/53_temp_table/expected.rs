// @generated automatically by Diesel CLI.

diesel::table! {
    keep (id) {
        id -> Integer,
    }
}
