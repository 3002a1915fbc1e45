// @generated automatically by Diesel CLI.

diesel::table! {
    #[sql_name = "Weird-Ref"]
    Weird_Ref (id) {
        id -> Integer,
        #[sql_name = "user id"]
        user_id -> Nullable<Integer>,
        #[sql_name = "type"]
        type_ -> Nullable<Integer>,
    }
}

diesel::table! {
    comments (id) {
        id -> Integer,
        post_id -> Integer,
        user_id -> Integer,
    }
}

diesel::table! {
    posts (id) {
        id -> Integer,
        user_id -> Integer,
        title -> Text,
    }
}

diesel::table! {
    #[sql_name = "type"]
    type_ (id) {
        id -> Integer,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        name -> Text,
    }
}

diesel::joinable!(Weird_Ref -> type_ (type_));
diesel::joinable!(Weird_Ref -> users (user_id));
diesel::joinable!(comments -> posts (post_id));
diesel::joinable!(comments -> users (user_id));
diesel::joinable!(posts -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(Weird_Ref, comments, posts, type_, users,);
