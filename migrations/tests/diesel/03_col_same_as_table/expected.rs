// @generated automatically by Diesel CLI.

diesel::table! {
    tags (tags_) {
        #[sql_name = "tags"]
        tags_ -> Integer,
        label -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        #[sql_name = "users"]
        users_ -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(tags, users,);
