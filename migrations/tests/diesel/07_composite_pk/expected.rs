// @generated automatically by Diesel CLI.

diesel::table! {
    memberships (user_id, group_id) {
        user_id -> Integer,
        group_id -> Integer,
        role -> Nullable<Text>,
    }
}

diesel::table! {
    pk_nullable (a, b) {
        a -> Nullable<Text>,
        b -> Nullable<Integer>,
    }
}

diesel::table! {
    triple (a, b, c) {
        a -> Nullable<Text>,
        b -> Nullable<Text>,
        c -> Nullable<Text>,
        d -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(memberships, pk_nullable, triple,);
