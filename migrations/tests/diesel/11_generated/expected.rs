// @generated automatically by Diesel CLI.

diesel::table! {
    gen (id) {
        id -> Integer,
        a -> Integer,
        b -> Nullable<Integer>,
        c -> Nullable<Text>,
        d -> Integer,
    }
}
