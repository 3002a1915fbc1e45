// @generated automatically by Diesel CLI.

diesel::table! {
    only_one (id) {
        id -> Integer,
        name -> Text,
    }
}
