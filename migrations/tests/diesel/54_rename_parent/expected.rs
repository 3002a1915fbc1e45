// @generated automatically by Diesel CLI.

diesel::table! {
    child (id) {
        id -> Integer,
        parent_id -> Nullable<Integer>,
    }
}

diesel::table! {
    mother (mid) {
        mid -> Integer,
    }
}

diesel::joinable!(child -> mother (parent_id));

diesel::allow_tables_to_appear_in_same_query!(child, mother,);
