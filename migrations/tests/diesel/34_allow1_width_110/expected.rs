// @generated automatically by Diesel CLI.

diesel::table! {
    qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq (id) {
        id -> Integer,
    }
}
