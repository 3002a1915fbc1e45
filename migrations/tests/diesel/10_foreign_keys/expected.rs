// @generated automatically by Diesel CLI.

diesel::table! {
    cfk (id) {
        id -> Integer,
        cx -> Nullable<Integer>,
        cy -> Nullable<Integer>,
    }
}

diesel::table! {
    child (id) {
        id -> Integer,
        parent_id -> Nullable<Integer>,
    }
}

diesel::table! {
    code_child (id) {
        id -> Integer,
        parent_code -> Nullable<Text>,
    }
}

diesel::table! {
    cpk (x, y) {
        x -> Integer,
        y -> Integer,
    }
}

diesel::table! {
    implicit_child (id) {
        id -> Integer,
        parent_id -> Nullable<Integer>,
    }
}

diesel::table! {
    missing_fk (id) {
        id -> Integer,
        pid -> Nullable<Integer>,
    }
}

diesel::table! {
    node (id) {
        id -> Integer,
        parent_node -> Nullable<Integer>,
    }
}

diesel::table! {
    parent (id) {
        id -> Integer,
        code -> Nullable<Text>,
    }
}

diesel::table! {
    table_fk (id) {
        id -> Integer,
        pid -> Nullable<Integer>,
    }
}

diesel::table! {
    two_fk (id) {
        id -> Integer,
        a -> Nullable<Integer>,
        b -> Nullable<Integer>,
    }
}

diesel::joinable!(child -> parent (parent_id));
diesel::joinable!(implicit_child -> parent (parent_id));
diesel::joinable!(table_fk -> parent (pid));

diesel::allow_tables_to_appear_in_same_query!(
    cfk,
    child,
    code_child,
    cpk,
    implicit_child,
    missing_fk,
    node,
    parent,
    table_fk,
    two_fk,
);
