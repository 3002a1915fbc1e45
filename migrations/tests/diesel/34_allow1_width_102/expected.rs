// @generated automatically by Diesel CLI.

diesel::table! {
    qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq (id) {
        id -> Integer,
    }
}
