// @generated automatically by Diesel CLI.

diesel::table! {
    kv (k) {
        k -> Text,
        v -> Nullable<Binary>,
    }
}

diesel::table! {
    kv2 (a, b) {
        a -> Integer,
        b -> Text,
        c -> Nullable<Float>,
    }
}

diesel::table! {
    kv3 (id) {
        id -> Integer,
        v -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(kv, kv2, kv3,);
