// @generated automatically by Diesel CLI.

diesel::table! {
    articles (id) {
        id -> Integer,
        user_id -> Integer,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        full_name -> Nullable<Text>,
    }
}

diesel::joinable!(articles -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(articles, users,);
