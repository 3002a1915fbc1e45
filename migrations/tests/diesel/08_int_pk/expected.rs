// @generated automatically by Diesel CLI.

diesel::table! {
    a (id) {
        id -> Nullable<Integer>,
        v -> Nullable<Text>,
    }
}

diesel::table! {
    b (id) {
        id -> Integer,
        v -> Nullable<Text>,
    }
}

diesel::table! {
    c (id) {
        id -> Nullable<Integer>,
        v -> Nullable<Text>,
    }
}

diesel::table! {
    d (id) {
        id -> Nullable<BigInt>,
        v -> Nullable<Text>,
    }
}

diesel::table! {
    e (id) {
        id -> Nullable<Text>,
        v -> Nullable<Text>,
    }
}

diesel::table! {
    f (id) {
        id -> Nullable<Integer>,
        v -> Nullable<Text>,
    }
}

diesel::table! {
    g (id) {
        id -> Nullable<Integer>,
        v -> Nullable<Text>,
    }
}

diesel::table! {
    h (id) {
        v -> Nullable<Text>,
        id -> Nullable<Integer>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(a, b, c, d, e, f, g, h,);
