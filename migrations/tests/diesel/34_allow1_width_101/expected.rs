// @generated automatically by Diesel CLI.

diesel::table! {
    qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq (id) {
        id -> Integer,
    }
}
