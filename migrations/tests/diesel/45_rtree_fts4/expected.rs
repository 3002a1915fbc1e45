// @generated automatically by Diesel CLI.

diesel::table! {
    boxes (rowid) {
        rowid -> Integer,
        id -> Nullable<Integer>,
        minx -> Nullable<Float>,
        maxx -> Nullable<Float>,
        miny -> Nullable<Float>,
        maxy -> Nullable<Float>,
    }
}

diesel::table! {
    boxes_node (nodeno) {
        nodeno -> Nullable<Integer>,
        data -> Nullable<Binary>,
    }
}

diesel::table! {
    boxes_parent (nodeno) {
        nodeno -> Nullable<Integer>,
        parentnode -> Nullable<Binary>,
    }
}

diesel::table! {
    boxes_rowid (rowid) {
        rowid -> Nullable<Integer>,
        nodeno -> Nullable<Binary>,
    }
}

diesel::table! {
    notes (rowid) {
        rowid -> Integer,
        title -> Nullable<Binary>,
        body -> Nullable<Binary>,
        #[sql_name = "notes"]
        notes_ -> Nullable<Binary>,
        docid -> Nullable<Binary>,
        #[sql_name = "__langid"]
        __langid_ -> Nullable<Binary>,
    }
}

diesel::table! {
    notes_content (docid) {
        docid -> Nullable<Integer>,
        c0title -> Nullable<Binary>,
        c1body -> Nullable<Binary>,
    }
}

diesel::table! {
    notes_docsize (docid) {
        docid -> Nullable<Integer>,
        size -> Nullable<Binary>,
    }
}

diesel::table! {
    notes_segdir (level, idx) {
        level -> Nullable<Integer>,
        idx -> Nullable<Integer>,
        start_block -> Nullable<Integer>,
        leaves_end_block -> Nullable<Integer>,
        end_block -> Nullable<Integer>,
        root -> Nullable<Binary>,
    }
}

diesel::table! {
    notes_segments (blockid) {
        blockid -> Nullable<Integer>,
        block -> Nullable<Binary>,
    }
}

diesel::table! {
    notes_stat (id) {
        id -> Nullable<Integer>,
        value -> Nullable<Binary>,
    }
}

diesel::table! {
    old (rowid) {
        rowid -> Integer,
        content -> Nullable<Binary>,
        #[sql_name = "old"]
        old_ -> Nullable<Binary>,
        docid -> Nullable<Binary>,
        #[sql_name = "__langid"]
        __langid_ -> Nullable<Binary>,
    }
}

diesel::table! {
    old_content (docid) {
        docid -> Nullable<Integer>,
        c0content -> Nullable<Binary>,
    }
}

diesel::table! {
    old_segdir (level, idx) {
        level -> Nullable<Integer>,
        idx -> Nullable<Integer>,
        start_block -> Nullable<Integer>,
        leaves_end_block -> Nullable<Integer>,
        end_block -> Nullable<Integer>,
        root -> Nullable<Binary>,
    }
}

diesel::table! {
    old_segments (blockid) {
        blockid -> Nullable<Integer>,
        block -> Nullable<Binary>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    boxes,
    boxes_node,
    boxes_parent,
    boxes_rowid,
    notes,
    notes_content,
    notes_docsize,
    notes_segdir,
    notes_segments,
    notes_stat,
    old,
    old_content,
    old_segdir,
    old_segments,
);
